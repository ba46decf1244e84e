import {Text} from 'ink';
import {render} from 'ink-testing-library';
import {useReducer} from 'react';
import {describe, expect, it} from 'vitest';
import {useMessageExpiry} from '../../source/ui/hooks/use-message-expiry.js';
import {initialState, reducer} from '../../source/ui/state.js';
import type {UiAction, UiState} from '../../source/ui/state-types.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('status messages expire', () => {
	it('the reducer clears only the message that timed out', () => {
		const first = reducer(initialState(), {type: 'message', text: 'disconnect cancelled, nothing sent', kind: 'info'});
		const message = first.message!;
		expect(reducer(first, {type: 'message-expired', message}).message).toBeNull();
		// A newer message (even with the same words) is not cleared by the older one's timer.
		const again = reducer(first, {type: 'message', text: 'disconnect cancelled, nothing sent', kind: 'info'});
		expect(reducer(again, {type: 'message-expired', message}).message).toBe(again.message);
	});

	it('a message about work still going on stays: an export being written', () => {
		const exporting = reducer(initialState(), {type: 'export-start'});
		expect(exporting.message?.text).toMatch(/writing every session/);
		expect(reducer(exporting, {type: 'message-expired', message: exporting.message!}).message).toBe(exporting.message);
	});

	it('in a rendered console the message goes after its time, and a new one starts over', async () => {
		let send: (action: UiAction) => void = () => undefined;
		function Probe() {
			const [state, dispatch] = useReducer(reducer, undefined, () => initialState());
			send = dispatch;
			useMessageExpiry(state.message, dispatch, 150);
			return <Text>{(state as UiState).message?.text ?? 'database: ok'}</Text>;
		}
		const ui = render(<Probe />);
		send({type: 'message', text: 'selection cleared', kind: 'info'});
		await sleep(50);
		expect(ui.lastFrame()).toBe('selection cleared');
		send({type: 'message', text: 'search cleared', kind: 'info'});
		await sleep(100);
		// 150 ms after the first, but only 100 after the second: still shown.
		expect(ui.lastFrame()).toBe('search cleared');
		await sleep(150);
		expect(ui.lastFrame()).toBe('database: ok');
		ui.unmount();
	});
});

/**
 * The reducer's part for the `:` command line: typing, Tab, Enter and Esc. A command that cannot run keeps
 * the line open with the reason and changes nothing; one that can closes it and applies its view.
 */
import {completeCommand, runCommand, type CommandContext} from './command-line.js';
import {enterConcurrent} from './concurrent-view.js';
import {historyAfterCommand, openHistory} from './history-state.js';
import type {UiAction, UiState, ViewQuery} from './state-types.js';

export type CommandAction = Extract<
	UiAction,
	{type: 'command-start' | 'command-input' | 'command-complete' | 'command-run' | 'command-cancel'}
>;

function contextOf(state: UiState): CommandContext {
	const perNas = state.snapshot?.stats.perNas ?? [];
	const sites = state.snapshot?.sites?.map((site) => site.name);
	return {query: state.query, nas: perNas.map((nas) => ({ip: nas.nasipaddress, name: nas.nasname})), ...(sites ? {sites} : {})};
}

function closed(state: UiState): UiState {
	const {commandDraft: _draft, commandNote: _note, ...rest} = state;
	return {...rest, mode: 'table'};
}

type WithQuery = (state: UiState, query: ViewQuery, message?: string) => UiState;

/** `withQuery` is state.ts's: a new view from the top, saying what changed. A line opened in the history view goes back to it. */
export function commandReducer(
	state: UiState,
	action: CommandAction,
	withQuery: WithQuery,
	openColumns: (state: UiState) => UiState,
): UiState {
	if (action.type === 'command-start' && state.mode !== 'history') {
		const {historyView: _view, ...rest} = state;
		return commandStep(rest, action, withQuery, openColumns);
	}
	return historyAfterCommand(state, commandStep(state, action, withQuery, openColumns));
}

function commandStep(state: UiState, action: CommandAction, withQuery: WithQuery, openColumns: (state: UiState) => UiState): UiState {
	switch (action.type) {
		case 'command-start':
			return {...closed(state), mode: 'command', commandDraft: ''};
		case 'command-input': {
			const {commandNote: _note, ...rest} = state;
			return {...rest, commandDraft: action.text};
		}
		case 'command-complete': {
			const completion = completeCommand(state.commandDraft ?? '', contextOf(state));
			const {commandNote: _note, ...rest} = state;
			const note = completion.candidates.length > 0 ? {text: completion.candidates.join('  '), kind: 'info' as const} : undefined;
			return {...rest, commandDraft: completion.line, ...(note ? {commandNote: note} : {})};
		}
		case 'command-cancel':
			return closed(state);
		case 'command-run': {
			const result = runCommand(state.commandDraft ?? '', contextOf(state));
			if (result.kind === 'error') return {...state, commandNote: {text: result.text, kind: 'error'}};
			if (result.kind === 'columns') return openColumns(closed(state));
			if (result.kind === 'concurrent') return enterConcurrent(closed(state), withQuery);
			if (result.kind === 'history') return openHistory(closed(state));
			if (result.kind === 'help') return {...closed(state), mode: 'help', helpTop: 0};
			if (result.kind === 'message') return {...closed(state), message: {text: result.text, kind: 'info'}};
			if (result.kind === 'profile') {
				// A run would be cut off by closing its database: the switch waits for none.
				if (state.disconnect?.phase === 'running' || state.sweep?.phase === 'running')
					return {...state, commandNote: {text: 'profile: a run is going on: let it end or stop it (x) first', kind: 'error'}};
				return {...closed(state), switchProfile: result.name, message: {text: `opening profile ${result.name}…`, kind: 'info'}};
			}
			return withQuery(closed(state), result.query, result.message);
		}
	}
}

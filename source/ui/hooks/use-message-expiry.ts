import {useEffect, type Dispatch} from 'react';
import type {UiAction, UiState} from '../state-types.js';

/** How long a status message stays: long enough to read twice, short enough not to hide `database: ok` for long. */
export const MESSAGE_TTL_MS = 10_000;

/**
 * Clears the status message `ttlMs` after it was set (a message set again, even with the same words, starts
 * over). The reducer keeps a message that speaks for work still going on (quitting, an export being written);
 * a disconnect's result stays reachable with `v`.
 */
export function useMessageExpiry(message: UiState['message'], dispatch: Dispatch<UiAction>, ttlMs = MESSAGE_TTL_MS): void {
	useEffect(() => {
		if (message === null) return undefined;
		const timer = setTimeout(() => dispatch({type: 'message-expired', message}), ttlMs);
		return () => clearTimeout(timer);
	}, [message, dispatch, ttlMs]);
}

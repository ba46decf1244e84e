import {useEffect, type Dispatch} from 'react';
import {describeError} from '../../db/errors.js';
import type {UserReport} from '../../subscribers/user-lookup.js';
import type {UiAction, UiState} from '../state-types.js';

/** Reads one user for the user view. */
export type LookUpUser = (username: string) => Promise<UserReport>;

/** Reads the user when the user view opens on a name, and again on `r`. */
export function useUserView(lookUp: LookUpUser | undefined, state: UiState, dispatch: Dispatch<UiAction>): void {
	const username = state.userView?.username;
	const seq = state.userView?.seq;
	useEffect(() => {
		if (username === undefined || seq === undefined) return;
		if (!lookUp) {
			dispatch({type: 'user-loaded', username, seq, error: 'the user view needs the database: not available here'});
			return;
		}
		let cancelled = false;
		lookUp(username).then(
			(report) => {
				if (!cancelled) dispatch({type: 'user-loaded', username, seq, report});
			},
			(error: unknown) => {
				if (!cancelled) dispatch({type: 'user-loaded', username, seq, error: `database: ${describeError(error)}`});
			},
		);
		return () => {
			cancelled = true;
		};
	}, [lookUp, username, seq, dispatch]);
}

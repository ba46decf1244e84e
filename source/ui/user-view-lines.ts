/**
 * The user view's text for a width and height: the title line (whose view it is, always first) and the
 * window of the user's lines below it, scrolled. Pure; UserView.tsx paints these lines.
 */
import {sanitize} from '../terminal/sanitize.js';
import {userLines} from '../subscribers/user-view.js';
import type {UserViewState} from './state-types.js';
import type {ViewLine} from './view-line.js';

/** A line of the user view; the title carries its position and the way back at its right end. */
export interface UserViewLine extends ViewLine {
	readonly right?: string;
}

/** Every line below the title, before scrolling. */
function bodyOf(view: UserViewState): ViewLine[] {
	if (view.error) return [{text: sanitize(view.error), tone: 'error'}];
	if (!view.report) return [{text: 'reading radacct, radpostauth and the authorisation tables…', tone: 'muted'}];
	return userLines(view.report);
}

/** How far the view scrolls: its last line at the bottom of `height` lines (the title is one of them). */
export function userScrollLimit(view: UserViewState, height: number): number {
	return Math.max(0, bodyOf(view).length - Math.max(1, height - 1));
}

/** The title, then the lines in view. */
export function userViewLines(view: UserViewState, height: number): UserViewLine[] {
	const body = bodyOf(view);
	const room = Math.max(1, height - 1);
	const top = Math.min(view.top, Math.max(0, body.length - room));
	const shown = body.slice(top, top + room);
	const position = body.length > room ? `${top + 1}-${top + shown.length} of ${body.length} ↑↓ · ` : '';
	return [{text: `user ${sanitize(view.username)}`, bold: true, right: `${position}Esc back`}, ...shown];
}

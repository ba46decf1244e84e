/** One line of a view as text and a few styles, which the components paint; the line builders are pure. */
import type {CaretView} from './text-field.js';

/** A line's colour, as a role the theme maps to a colour (or to none with NO_COLOR). */
export type Tone = 'accent' | 'error' | 'warn' | 'muted' | 'ok';

/** One line of a view; `cursor` draws an input cursor after the text. */
export interface ViewLine {
	readonly text: string;
	readonly tone?: Tone;
	readonly bold?: boolean;
	readonly cursor?: boolean;
	/** A text field after `text`, split at its cursor: the cell under the cursor is drawn inverse. */
	readonly field?: CaretView;
}

/** One key binding of the console: its keys, where it applies, its help and footer text, and what it does. */
import type {KeyName} from './key-names.js';
import type {Mode, UiAction, UiState} from './state-types.js';

export interface Binding {
	readonly keys: readonly KeyName[];
	/** What the help overlay shows in the key column, e.g. "↑/k". */
	readonly label: string;
	readonly description: string;
	/** Where the binding applies. */
	readonly modes: readonly Mode[];
	/** Short text for the footer; bindings without one are only in the help. */
	readonly hint?: string;
	/** Acts on the network (disconnects): dropped in read-only mode. */
	readonly dangerous?: boolean;
	/** Hides the footer hint while the binding has nothing to act on (the key still answers). */
	readonly offered?: (state: UiState) => boolean;
	/** The action, or 'quit'. */
	readonly action: UiAction | 'quit' | ((state: UiState) => UiAction | 'quit' | undefined);
}

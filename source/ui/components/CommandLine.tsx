import {Text} from 'ink';
import {sanitize} from '../../terminal/sanitize.js';
import {caretView} from '../text-field.js';
import {useTheme} from '../theme.js';

/**
 * The `:` command line in the footer's place: the text being typed with a cursor at its end, then why it
 * cannot run or what Tab could complete it to, else the keys. Display only: the App edits the text. A line
 * longer than the terminal keeps its end and the cursor in view, its start giving way to `…`.
 */
export function CommandLine(props: {
	readonly draft: string;
	readonly note?: {readonly text: string; readonly kind: 'info' | 'error'};
	readonly hints: readonly string[];
	readonly width: number;
}) {
	const theme = useTheme();
	const after = props.note ? props.note.text : props.hints.join('  ');
	// The `:`, the text and its cursor, and a column for the `…` that says the reason or the keys are cut.
	const view = caretView(props.draft, undefined, Math.max(1, props.width - 2));
	return (
		<Text wrap="truncate-end">
			<Text color={theme.accent} bold>
				{':'}
			</Text>
			{view.before}
			<Text inverse>{view.at}</Text>
			<Text color={props.note?.kind === 'error' ? theme.warn : theme.muted}>{`  ${sanitize(after)}`}</Text>
		</Text>
	);
}

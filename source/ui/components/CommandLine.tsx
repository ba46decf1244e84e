import {Text} from 'ink';
import {sanitize} from '../../terminal/sanitize.js';
import {useTheme} from '../theme.js';

/**
 * The `:` command line in the footer's place: the text being typed with a cursor at its end, then why it
 * cannot run or what Tab could complete it to, else the keys. Display only: the App edits the text.
 */
export function CommandLine(props: {
	readonly draft: string;
	readonly note?: {readonly text: string; readonly kind: 'info' | 'error'};
	readonly hints: readonly string[];
}) {
	const theme = useTheme();
	const after = props.note ? props.note.text : props.hints.join('  ');
	return (
		<Text wrap="truncate-end">
			<Text color={theme.accent} bold>
				{':'}
			</Text>
			{sanitize(props.draft)}
			<Text inverse> </Text>
			<Text color={props.note?.kind === 'error' ? theme.warn : theme.muted}>{`  ${sanitize(after)}`}</Text>
		</Text>
	);
}

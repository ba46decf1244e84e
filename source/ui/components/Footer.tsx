import {Text} from 'ink';
import {useTheme} from '../theme.js';

/** Key hints from the keymap for the current mode. */
export function Footer(props: {readonly hints: readonly string[]}) {
	const theme = useTheme();
	return (
		<Text color={theme.muted} wrap="truncate-end">
			{props.hints.join('  ')}
		</Text>
	);
}

import {Text} from 'ink';
import {statusLine, type StatusLineInput} from '../status-line.js';
import {useTheme} from '../theme.js';

export interface StatusLineProps extends StatusLineInput {
	/** "1-17 of 3,118" */
	readonly position: string;
}

/** What the database is doing and how old the data is (status-line.ts), then where the cursor is. */
export function StatusLine(props: StatusLineProps) {
	const theme = useTheme();
	const status = statusLine(props);
	if (!status.position) {
		return (
			<Text color={theme.error} wrap="truncate-end">
				{status.text}
			</Text>
		);
	}
	return (
		<Text wrap="truncate-end">
			<Text color={status.tone === 'error' ? theme.error : theme.muted}>{status.text}</Text>
			<Text color={theme.muted}> · {props.position}</Text>
		</Text>
	);
}

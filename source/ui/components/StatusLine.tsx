import {Text} from 'ink';
import {sanitize} from '../../terminal/sanitize.js';
import {useTheme} from '../theme.js';

export interface StatusLineProps {
	readonly error: {readonly message: string; readonly since: number} | null;
	readonly message: {readonly text: string; readonly kind: 'info' | 'error'} | null;
	/** Seconds since the data on screen was fetched. */
	readonly ageSeconds: number | null;
	readonly retryInSeconds: number | null;
	/** "1-17 of 3,118" */
	readonly position: string;
}

/** Errors first (with the age of what is shown), else the last message, else where the cursor is. */
export function StatusLine(props: StatusLineProps) {
	const theme = useTheme();
	if (props.error) {
		// The age of what is on screen comes first: at 80 columns the error's detail is what gets cut.
		const age = props.ageSeconds === null ? 'no data yet' : `showing data from ${props.ageSeconds} s ago`;
		const retry = props.retryInSeconds === null ? 'retrying' : `retry in ${props.retryInSeconds} s`;
		return (
			<Text color={theme.error} wrap="truncate-end">
				database unreachable; {age}, {retry}: {sanitize(props.error.message)}
			</Text>
		);
	}
	return (
		<Text wrap="truncate-end">
			<Text color={props.message?.kind === 'error' ? theme.error : theme.muted}>
				{props.message ? sanitize(props.message.text) : 'database: ok'}
			</Text>
			<Text color={theme.muted}> · {props.position}</Text>
		</Text>
	);
}

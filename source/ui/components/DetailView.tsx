import {Box, Text} from 'ink';
import type {Rate} from '../../sessions/session-math.js';
import {detailLines, type DetailLine} from '../detail-lines.js';
import type {DetailState} from '../state-types.js';
import {useTheme, type Theme} from '../theme.js';

export interface DetailViewProps {
	readonly detail: DetailState;
	readonly now: Date;
	readonly rate: Rate | undefined;
	readonly masked: boolean;
	readonly staleAfterSeconds: number;
	readonly width: number;
	readonly height: number;
	/** When the session's NAS last reloaded, if known. */
	readonly reloadedAt?: Date;
}

function Line(props: {readonly line: DetailLine; readonly theme: Theme}) {
	const {line, theme} = props;
	if (line.right !== undefined) {
		return (
			<Box justifyContent="space-between">
				<Text bold={line.bold ?? false} wrap="truncate-end">
					{line.text}
				</Text>
				<Text color={theme.muted} wrap="truncate-end">
					{' '}
					{line.right}
				</Text>
			</Box>
		);
	}
	return (
		<Text
			wrap={line.wrap ? 'wrap' : 'truncate-end'}
			bold={line.bold ?? false}
			dimColor={line.dim ?? false}
			color={line.tone === undefined ? undefined : theme[line.tone]}
		>
			{line.text}
		</Text>
	);
}

/** Every radacct field of a session, its NAS, and the user's previous sessions, painted line by line. */
export function DetailView(props: DetailViewProps) {
	const theme = useTheme();
	const lines = detailLines(props.detail, props);
	// Until the session is read there is one line, a message, and no layout to hold it.
	if (!props.detail.session || props.detail.error) return <Line line={lines[0]!} theme={theme} />;
	return (
		<Box flexDirection="column" width={props.width}>
			{lines.map((line, index) => (
				<Line key={index} line={line} theme={theme} />
			))}
		</Box>
	);
}

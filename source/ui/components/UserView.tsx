import {Box, Text} from 'ink';
import type {UserViewState} from '../state-types.js';
import {useTheme} from '../theme.js';
import {userViewLines} from '../user-view-lines.js';

export interface UserViewProps {
	readonly view: UserViewState;
	readonly width: number;
	readonly height: number;
}

/** One username as FreeRADIUS's tables know it: the title line, then the lines in view. */
export function UserView(props: UserViewProps) {
	const theme = useTheme();
	const lines = userViewLines(props.view, props.height);
	return (
		<Box flexDirection="column" width={props.width}>
			{lines.map((line, index) =>
				line.right === undefined ? (
					<Text
						key={index}
						wrap="truncate-end"
						bold={line.bold ?? false}
						color={line.tone === undefined ? undefined : theme[line.tone]}
					>
						{line.text}
					</Text>
				) : (
					<Box key={index} justifyContent="space-between">
						<Text bold={line.bold ?? false} wrap="truncate-end">
							{line.text}
						</Text>
						<Text color={theme.muted} wrap="truncate-end">
							{' '}
							{line.right}
						</Text>
					</Box>
				),
			)}
		</Box>
	);
}

import {FRAME} from '../layout.js';
import {sweepPreviewView, sweepProgressView, sweepResultsView} from '../sweep-lines.js';
import type {SweepState} from '../sweep-state.js';
import type {SweepMode} from '../state-types.js';
import {ViewLines} from './ViewLines.js';

export interface SweepViewProps {
	readonly sweep: SweepState;
	readonly view: SweepMode;
	readonly width: number;
	readonly height: number;
	/** Where the cursor is in the field being edited; undefined: at its end. */
	readonly caret?: number | undefined;
}

/** A sweep's preview (in a frame: it waits for a decision), progress or results, painted line by line. */
export function SweepView(props: SweepViewProps) {
	const framed = props.view === 'sweep-preview';
	const width = framed ? props.width - FRAME.columns : props.width;
	const height = framed ? props.height - FRAME.rows : props.height;
	const lines =
		props.view === 'sweep-preview'
			? sweepPreviewView(props.sweep, width, height, props.caret)
			: props.view === 'sweep-progress'
				? sweepProgressView(props.sweep, width, height)
				: sweepResultsView(props.sweep, width, height);
	return <ViewLines lines={lines} framed={framed} width={props.width} />;
}

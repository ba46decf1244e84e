import type {DisconnectState} from '../disconnect-state.js';
import {previewView, progressView, resultsView} from '../disconnect-lines.js';
import {FRAME} from '../layout.js';
import type {ViewLine} from '../view-line.js';
import {ViewLines} from './ViewLines.js';

export interface DisconnectViewProps {
	readonly disconnect: DisconnectState;
	readonly view: 'preview' | 'progress' | 'results';
	readonly now: Date;
	readonly width: number;
	readonly height: number;
	/** Where the cursor is in the field being edited; undefined: at its end. */
	readonly caret?: number | undefined;
}

/** A disconnect's preview (in a frame: it waits for a decision), progress or results, painted line by line. */
export function DisconnectView(props: DisconnectViewProps) {
	const framed = props.view === 'preview';
	const width = framed ? props.width - FRAME.columns : props.width;
	const height = framed ? props.height - FRAME.rows : props.height;
	const lines: ViewLine[] =
		props.view === 'preview'
			? previewView(props.disconnect, width, height, props.now, props.caret)
			: props.view === 'progress'
				? progressView(props.disconnect, width, height)
				: resultsView(props.disconnect, width, height);
	return <ViewLines lines={lines} framed={framed} width={props.width} />;
}

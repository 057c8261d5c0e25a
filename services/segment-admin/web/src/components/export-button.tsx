import { useState } from 'react';
import { useApi } from '../api/api-context';
import { ApiError } from '../api/api-error';

interface ExportButtonProps {
  appId: string;
  segmentId: string;
  segmentName: string;
}

function fileNameOf(segmentName: string): string {
  const slug = segmentName.replace(/[^\w]+/g, '-').replace(/^-+|-+$/g, '');

  return `${slug || 'segment'}-members.csv`;
}

/**
 * Downloads members.csv. The endpoint needs the bearer token, which a plain link cannot send,
 * so the response is fetched and handed to the browser as a Blob: the browser holds the whole
 * file in memory before saving it (the server still streams it).
 */
export function ExportButton({ appId, segmentId, segmentName }: ExportButtonProps) {
  const api = useApi();
  const [state, setState] = useState<'idle' | 'busy' | string>('idle');

  const download = async () => {
    setState('busy');
    try {
      const response = await api.exportMembers(appId, segmentId);
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = fileNameOf(segmentName);
      link.click();
      // The click starts the download synchronously; the URL is released on the next tick.
      setTimeout(() => URL.revokeObjectURL(url), 0);
      setState('idle');
    } catch (failure) {
      setState(failure instanceof ApiError ? failure.message : 'The export failed.');
    }
  };

  const failed = state !== 'idle' && state !== 'busy';

  return (
    <span className="export">
      <button
        type="button"
        className="button"
        onClick={download}
        disabled={state === 'busy'}
        data-testid="export-csv"
      >
        {state === 'busy' ? 'Exporting…' : 'Export CSV'}
      </button>
      <span role="status" className="field-error">
        {failed ? state : ''}
      </span>
    </span>
  );
}

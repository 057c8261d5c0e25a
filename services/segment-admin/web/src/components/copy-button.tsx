import { useState } from 'react';

interface CopyButtonProps {
  text: string;
  label: string;
}

/** Copies `text` to the clipboard and says so, for screen readers too. */
export function CopyButton({ text, label }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      // Clipboard access needs a secure context or a permission; the key stays selectable.
      setState('failed');
    }
  };

  return (
    <>
      <button type="button" className="button" onClick={copy} aria-label={label}>
        Copy
      </button>
      <span role="status" className="muted copy-status">
        {state === 'copied' && 'Copied.'}
        {state === 'failed' && 'Copy failed: select the key and copy it by hand.'}
      </span>
    </>
  );
}

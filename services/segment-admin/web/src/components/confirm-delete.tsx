import { useState } from 'react';
import { ApiError } from '../api/api-error';
import { Modal } from './modal';

interface ConfirmDeleteProps {
  segmentName: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/** Asks before deleting; the segment's membership goes with it and cannot be brought back. */
export function ConfirmDelete({ segmentName, onConfirm, onClose }: ConfirmDeleteProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
      onClose();
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'The segment was not deleted.');
      setBusy(false);
    }
  };

  return (
    <Modal title="Delete segment?" onClose={onClose} testId="confirm-delete">
      <p>
        Delete <strong>{segmentName}</strong>? Its members are forgotten and push campaigns
        targeting it stop reaching anyone.
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose} autoFocus>
          Cancel
        </button>
        <button type="button" className="button danger" onClick={confirm} disabled={busy}>
          Delete segment
        </button>
      </div>
    </Modal>
  );
}

import { useState, type FormEvent } from 'react';
import { useApi } from '../api/api-context';
import { ApiError } from '../api/api-error';
import type { CreatedApp } from '../api/types';
import { CopyButton } from './copy-button';
import { Modal } from './modal';

interface CreateAppDialogProps {
  onCreated: (app: CreatedApp) => void;
  onClose: () => void;
}

/** Creates an app and shows its write key, the only time the dashboard ever sees it. */
export function CreateAppDialog({ onCreated, onClose }: CreateAppDialogProps) {
  const api = useApi();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreatedApp | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setError('Enter a name for the app.');
      return;
    }

    setBusy(true);
    try {
      const app = await api.createApp(name.trim());
      setCreated(app);
      onCreated(app);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'The app was not created.');
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <Modal title={`App “${created.name}” created`} onClose={onClose} testId="write-key-dialog">
        <p>
          Mobile SDKs send events with this write key. <strong>It is shown only once</strong>: copy
          it now.
        </p>
        <label htmlFor="write-key">Write key</label>
        <div className="inline-row">
          <input
            id="write-key"
            readOnly
            value={created.writeKey}
            className="mono"
            data-testid="write-key"
            onFocus={(event) => event.target.select()}
          />
          <CopyButton text={created.writeKey} label="Copy write key" />
        </div>
        <div className="dialog-actions">
          <button type="button" className="button primary" onClick={onClose} autoFocus>
            Done
          </button>
        </div>
      </Modal>
    );
  }

  return (
    <Modal title="Create an app" onClose={onClose} testId="create-app-dialog">
      <form onSubmit={submit} noValidate>
        <label htmlFor="app-name">App name</label>
        <input
          id="app-name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'app-name-error' : undefined}
          autoFocus
        />
        {error && (
          <p id="app-name-error" className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={busy}>
            Create app
          </button>
        </div>
      </form>
    </Modal>
  );
}

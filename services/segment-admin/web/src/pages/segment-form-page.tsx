import { useCallback, useEffect, useState } from 'react';
import { useApi } from '../api/api-context';
import { ApiError, isAbort } from '../api/api-error';
import { MAX_CRITERIA, SegmentForm } from '../components/segment-form';
import {
  clearFieldErrors,
  fieldErrorsFrom,
  shiftCriterionErrors,
  type FieldErrors,
} from '../lib/error-paths';
import { hrefOf, navigate } from '../lib/router';
import {
  definitionFromDraft,
  draftFromDefinition,
  emptyCriterion,
  emptyDraft,
  type CriterionDraft,
  type SegmentDraft,
} from '../lib/segment-draft';
import { useEstimate } from '../lib/use-estimate';

interface SegmentFormPageProps {
  appId: string;
  /** null to create a segment, an id to edit one. */
  segmentId: string | null;
}

/** What a failed save means for each field; codes, never message text, decide. */
function errorsOf(failure: unknown): FieldErrors {
  if (!(failure instanceof ApiError)) return { form: ['The segment was not saved. Try again.'] };
  if (failure.code === 'segment_name_taken') {
    return { name: ['A segment with this name already exists in this app. Pick another name.'] };
  }
  const byField = fieldErrorsFrom(failure.details);

  return Object.keys(byField).length > 0 ? byField : { form: [failure.message] };
}

/** Moves focus to the first field the API complained about, or to the error summary. */
function focusFirstInvalid() {
  const first = document.querySelector<HTMLElement>('.segment-form [aria-invalid="true"]');
  (first ?? document.querySelector<HTMLElement>('[data-testid="form-errors"]'))?.focus();
}

function useDraft(appId: string, segmentId: string | null) {
  const api = useApi();
  const [draft, setDraft] = useState<SegmentDraft | null>(segmentId ? null : emptyDraft);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    if (!segmentId) return;

    const controller = new AbortController();
    api
      .getSegment(appId, segmentId, controller.signal)
      .then((segment) => setDraft(draftFromDefinition(segment)))
      .catch((failure: unknown) => {
        if (!isAbort(failure)) {
          setLoadError(failure instanceof ApiError ? failure.message : 'Segment not found.');
        }
      });

    return () => controller.abort();
  }, [api, appId, segmentId]);

  return { draft, setDraft, loadError };
}

/** Create Segment, or Edit Segment with the same form filled in. */
export function SegmentFormPage({ appId, segmentId }: SegmentFormPageProps) {
  const { draft, setDraft, loadError } = useDraft(appId, segmentId);
  const title = segmentId ? 'Edit Segment' : 'Create Segment';

  if (loadError) {
    return (
      <p className="error-banner" role="alert">
        {loadError}
      </p>
    );
  }
  if (!draft) return <p className="muted">Loading segment…</p>;

  return (
    <section aria-labelledby="form-title">
      <h1 id="form-title">{title}</h1>
      <p className="muted">
        Define who belongs to the segment. Members are kept up to date as events arrive.
      </p>
      <LoadedForm appId={appId} segmentId={segmentId} draft={draft} setDraft={setDraft} />
    </section>
  );
}

interface LoadedFormProps extends SegmentFormPageProps {
  draft: SegmentDraft;
  setDraft: (update: (draft: SegmentDraft | null) => SegmentDraft | null) => void;
}

function LoadedForm({ appId, segmentId, draft, setDraft }: LoadedFormProps) {
  const api = useApi();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [failedSaves, setFailedSaves] = useState(0);
  const estimate = useEstimate(appId, draft);

  // Runs after the errors of a failed save are rendered, so the invalid fields exist.
  useEffect(() => {
    if (failedSaves > 0) focusFirstInvalid();
  }, [failedSaves]);

  const edit = useCallback(
    (change: (current: SegmentDraft) => SegmentDraft) =>
      setDraft((current) => (current ? change(current) : current)),
    [setDraft],
  );

  const onCriterionChange = useCallback(
    (index: number, patch: Partial<CriterionDraft>, field: string) => {
      edit((current) => ({
        ...current,
        criteria: current.criteria.map((c, i) => (i === index ? { ...c, ...patch } : c)),
      }));
      // A new type makes every message about the old one stale.
      const stale = field === 'type' ? `criteria.${index}` : `criteria.${index}.${field}`;
      setErrors((all) => clearFieldErrors(clearOnly(all, `criteria.${index}`), stale));
    },
    [edit],
  );

  const onRemoveCriterion = useCallback(
    (index: number) => {
      edit((current) => ({ ...current, criteria: current.criteria.filter((_, i) => i !== index) }));
      setErrors((all) => shiftCriterionErrors(all, index));
    },
    [edit],
  );

  const onAddCriterion = () => {
    edit((current) =>
      current.criteria.length >= MAX_CRITERIA
        ? current
        : { ...current, criteria: [...current.criteria, emptyCriterion()] },
    );
    setErrors((all) => clearOnly(all, 'criteria'));
  };

  const save = async () => {
    setBusy(true);
    try {
      const definition = definitionFromDraft(draft);
      const saved = segmentId
        ? await api.updateSegment(appId, segmentId, definition)
        : await api.createSegment(appId, definition);
      navigate(
        segmentId ? { name: 'segment', appId, segmentId: saved.id } : { name: 'segments', appId },
      );
    } catch (failure) {
      setErrors(errorsOf(failure));
      setBusy(false);
      setFailedSaves((count) => count + 1);
    }
  };

  const cancelHref = hrefOf(
    segmentId ? { name: 'segment', appId, segmentId } : { name: 'segments', appId },
  );

  return (
    <SegmentForm
      draft={draft}
      errors={errors}
      estimate={estimate}
      editing={segmentId !== null}
      busy={busy}
      cancelHref={cancelHref}
      onNameChange={(name) => {
        edit((current) => ({ ...current, name }));
        setErrors((all) => clearOnly(all, 'name'));
      }}
      onMatchChange={(match) => {
        edit((current) => ({ ...current, match }));
        setErrors((all) => clearOnly(all, 'match'));
      }}
      onCriterionChange={onCriterionChange}
      onAddCriterion={onAddCriterion}
      onRemoveCriterion={onRemoveCriterion}
      onSubmit={save}
    />
  );
}

/** Drops the errors of exactly one key, keeping those of its sub-fields. */
function clearOnly(errors: FieldErrors, key: string): FieldErrors {
  if (!(key in errors)) return errors;
  const next = { ...errors };
  delete next[key];

  return next;
}

import { useRef, type FormEvent } from 'react';
import type { FieldErrors } from '../lib/error-paths';
import type { CriterionDraft, SegmentDraft } from '../lib/segment-draft';
import type { EstimateState } from '../lib/use-estimate';
import { CriterionEditor } from './criterion-editor';
import { EstimatedAudience } from './estimated-audience';
import { FieldError, invalidProps } from './field-error';
import { PlusIcon } from './icons';

/** The contract allows 1 to 20 criteria per segment. */
export const MAX_CRITERIA = 20;

export interface SegmentFormProps {
  draft: SegmentDraft;
  errors: FieldErrors;
  estimate: EstimateState;
  editing: boolean;
  busy: boolean;
  cancelHref: string;
  onNameChange: (name: string) => void;
  onMatchChange: (match: SegmentDraft['match']) => void;
  onCriterionChange: (index: number, patch: Partial<CriterionDraft>, field: string) => void;
  onAddCriterion: () => void;
  onRemoveCriterion: (index: number) => void;
  onSubmit: () => void;
}

/** The Create Segment form as the product description lays it out; editing reuses it. */
export function SegmentForm(props: SegmentFormProps) {
  const { draft, errors, editing, busy } = props;
  const formRef = useRef<HTMLFormElement>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit();
  };

  return (
    <div className="form-layout">
      <form ref={formRef} className="card segment-form" onSubmit={submit} noValidate>
        <ErrorSummary errors={errors} />
        <div className="field">
          <label htmlFor="segment-name">
            Customer Segment Name <span aria-hidden="true">*</span>
          </label>
          <input
            id="segment-name"
            value={draft.name}
            maxLength={200}
            aria-required="true"
            placeholder="Cart Abandoners - English"
            onChange={(event) => props.onNameChange(event.target.value)}
            {...invalidProps(errors, 'name')}
          />
          <FieldError errors={errors} fieldKey="name" />
        </div>
        <div className="field">
          <label htmlFor="segment-match">Match Logic</label>
          <select
            id="segment-match"
            value={draft.match}
            onChange={(event) => props.onMatchChange(event.target.value as SegmentDraft['match'])}
            {...invalidProps(errors, 'match')}
          >
            <option value="all">ALL — All criteria must match (MUST HAVE)</option>
            <option value="any">ANY — At least one condition must match (MAY HAVE)</option>
          </select>
          <FieldError errors={errors} fieldKey="match" />
        </div>
        <CriteriaList {...props} />
        <div className="form-actions">
          <a className="button" href={props.cancelHref}>
            Cancel
          </a>
          <button type="submit" className="button primary" disabled={busy} data-testid="save">
            {editing ? (
              'Save Segment'
            ) : (
              <>
                <PlusIcon /> Create Segment
              </>
            )}
          </button>
        </div>
      </form>
      <EstimatedAudience state={props.estimate} />
    </div>
  );
}

function CriteriaList(props: SegmentFormProps) {
  const { draft, errors } = props;

  return (
    <section className="criteria" aria-labelledby="criteria-title">
      <h2 id="criteria-title">Criteria</h2>
      <FieldError errors={errors} fieldKey="criteria" />
      {draft.criteria.map((criterion, index) => (
        <CriterionEditor
          key={criterion.key}
          index={index}
          draft={criterion}
          errors={errors}
          onChange={props.onCriterionChange}
          onRemove={props.onRemoveCriterion}
        />
      ))}
      <button
        type="button"
        className="button"
        onClick={props.onAddCriterion}
        disabled={draft.criteria.length >= MAX_CRITERIA}
        data-testid="add-criterion"
      >
        <PlusIcon /> Add criterion
      </button>
    </section>
  );
}

/** Says how many problems the API found and lists those that belong to no field. */
function ErrorSummary({ errors }: { errors: FieldErrors }) {
  const count = Object.values(errors).reduce((sum, messages) => sum + messages.length, 0);
  if (count === 0) return null;

  const general = errors.form ?? [];

  return (
    <div className="error-banner" role="alert" tabIndex={-1} data-testid="form-errors">
      <p>
        {count === 1 ? 'One problem needs fixing' : `${count} problems need fixing`}; nothing was
        saved.
      </p>
      {general.length > 0 && (
        <ul>
          {general.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

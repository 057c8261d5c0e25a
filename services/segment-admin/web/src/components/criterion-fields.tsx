import type { PathMatch } from '../api/types';
import type { CriterionDraft, PageOperator, SessionOperator } from '../lib/segment-draft';
import type { CriterionEditorProps } from './criterion-editor';
import { FieldError, invalidProps } from './field-error';

const SESSION_OPERATORS: [SessionOperator, string][] = [
  ['before', 'Before a specific date'],
  ['after', 'After a specific date'],
  ['between', 'Between two dates'],
  ['within_last_days', 'Within last X days'],
  ['not_within_last_days', 'Not within last X days'],
];

const PATH_MATCHES: [PathMatch, string][] = [
  ['equals', 'Equals'],
  ['contains', 'Contains'],
  ['starts_with', 'Starts With'],
  ['ends_with', 'Ends With'],
];

interface InputProps extends CriterionEditorProps {
  field: 'date' | 'from' | 'to' | 'days' | 'path';
  label: string;
  type: 'date' | 'number' | 'text';
  hint?: string;
}

/** One labelled input bound to a draft field, with the API's error for it below. */
function DraftInput({ index, draft, errors, onChange, field, label, type, hint }: InputProps) {
  const id = `${draft.key}-${field}`;
  const fieldKey = `criteria.${index}.${field}`;

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        value={draft[field]}
        placeholder={hint}
        min={type === 'number' ? 1 : undefined}
        max={type === 'number' ? 3650 : undefined}
        step={type === 'number' ? 1 : undefined}
        inputMode={type === 'number' ? 'numeric' : undefined}
        onChange={(event) => onChange(index, { [field]: event.target.value }, field)}
        {...invalidProps(errors, fieldKey)}
      />
      <FieldError errors={errors} fieldKey={fieldKey} />
    </div>
  );
}

/** App Sessions: when the user was active, as one date, two dates or a number of days. */
export function SessionFields(props: CriterionEditorProps) {
  const { index, draft, errors, onChange } = props;
  const operatorId = `${draft.key}-session-operator`;
  const operator = draft.sessionOperator;

  return (
    <div className="criterion-fields">
      <div className="field">
        <label htmlFor={operatorId}>Condition</label>
        <select
          id={operatorId}
          value={operator}
          onChange={(event) =>
            onChange(index, { sessionOperator: event.target.value as SessionOperator }, 'operator')
          }
          {...invalidProps(errors, `criteria.${index}.operator`)}
        >
          {SESSION_OPERATORS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <FieldError errors={errors} fieldKey={`criteria.${index}.operator`} />
      </div>
      {(operator === 'before' || operator === 'after') && (
        <DraftInput {...props} field="date" label="Date (UTC)" type="date" />
      )}
      {operator === 'between' && (
        <>
          <DraftInput {...props} field="from" label="From (UTC)" type="date" />
          <DraftInput {...props} field="to" label="To (UTC)" type="date" />
        </>
      )}
      {(operator === 'within_last_days' || operator === 'not_within_last_days') && (
        <DraftInput {...props} field="days" label="Days" type="number" />
      )}
    </div>
  );
}

/** Page Visited: visited or not, how the path matches, and the path. */
export function PageVisitedFields(props: CriterionEditorProps) {
  const { index, draft, errors, onChange } = props;
  const operatorId = `${draft.key}-page-operator`;
  const matchId = `${draft.key}-path-match`;

  return (
    <div className="criterion-fields">
      <div className="field">
        <label htmlFor={operatorId}>Condition</label>
        <select
          id={operatorId}
          value={draft.pageOperator}
          onChange={(event) =>
            onChange(index, { pageOperator: event.target.value as PageOperator }, 'operator')
          }
          {...invalidProps(errors, `criteria.${index}.operator`)}
        >
          <option value="visited">Visited</option>
          <option value="not_visited">Not Visited</option>
        </select>
        <FieldError errors={errors} fieldKey={`criteria.${index}.operator`} />
      </div>
      <div className="field">
        <label htmlFor={matchId}>Match type</label>
        <select
          id={matchId}
          value={draft.pathMatch}
          onChange={(event) =>
            onChange(
              index,
              { pathMatch: event.target.value as CriterionDraft['pathMatch'] },
              'match',
            )
          }
          {...invalidProps(errors, `criteria.${index}.match`)}
        >
          {PATH_MATCHES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <FieldError errors={errors} fieldKey={`criteria.${index}.match`} />
      </div>
      <DraftInput {...props} field="path" label="Page path" type="text" hint="/cart" />
    </div>
  );
}

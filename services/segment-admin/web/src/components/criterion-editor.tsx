import type { CriterionType } from '../api/types';
import type { FieldErrors } from '../lib/error-paths';
import type { CriterionDraft } from '../lib/segment-draft';
import { FieldError, invalidProps } from './field-error';
import { LanguagePicker } from './language-picker';
import { PageVisitedFields, SessionFields } from './criterion-fields';

export interface CriterionEditorProps {
  index: number;
  draft: CriterionDraft;
  errors: FieldErrors;
  onChange: (index: number, patch: Partial<CriterionDraft>, field: string) => void;
  onRemove: (index: number) => void;
}

const TYPE_LABELS: [CriterionType, string][] = [
  ['device_language', 'Device Language'],
  ['app_sessions', 'App Sessions'],
  ['page_visited', 'Page Visited'],
];

/** One criterion of the Create Segment form: its type, then exactly that type's options. */
export function CriterionEditor(props: CriterionEditorProps) {
  const { index, draft, errors, onChange, onRemove } = props;
  const base = `criteria.${index}`;
  const typeId = `${draft.key}-type`;

  return (
    <fieldset className="criterion" data-testid={`criterion-${index}`}>
      <legend>Criterion {index + 1}</legend>
      <button
        type="button"
        className="button small subtle remove-criterion"
        onClick={() => onRemove(index)}
        aria-label={`Remove criterion ${index + 1}`}
      >
        Remove
      </button>
      <FieldError errors={errors} fieldKey={base} />
      <label htmlFor={typeId}>Segment type</label>
      <select
        id={typeId}
        value={draft.type}
        onChange={(event) =>
          onChange(index, { type: event.target.value as CriterionType | '' }, 'type')
        }
        {...invalidProps(errors, `${base}.type`)}
      >
        <option value="" disabled>
          Select a segment type
        </option>
        {TYPE_LABELS.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <FieldError errors={errors} fieldKey={`${base}.type`} />
      <CriterionOptions {...props} />
    </fieldset>
  );
}

function CriterionOptions(props: CriterionEditorProps) {
  switch (props.draft.type) {
    case 'device_language':
      return <LanguageFields {...props} />;
    case 'app_sessions':
      return <SessionFields {...props} />;
    case 'page_visited':
      return <PageVisitedFields {...props} />;
    case '':
      return null;
  }
}

function LanguageFields({ index, draft, errors, onChange }: CriterionEditorProps) {
  const base = `criteria.${index}`;
  const operatorId = `${draft.key}-language-operator`;
  const pickerId = `${draft.key}-languages`;
  const languageError = invalidProps(errors, `${base}.languages`);

  return (
    <div className="criterion-fields">
      <div className="field">
        <label htmlFor={operatorId}>Condition</label>
        <select
          id={operatorId}
          value={draft.languageOperator}
          onChange={(event) =>
            onChange(
              index,
              { languageOperator: event.target.value as CriterionDraft['languageOperator'] },
              'operator',
            )
          }
          {...invalidProps(errors, `${base}.operator`)}
        >
          <option value="contains">Contains</option>
          <option value="not_contains">Not Contain</option>
        </select>
        <FieldError errors={errors} fieldKey={`${base}.operator`} />
      </div>
      <div className="field wide">
        <label htmlFor={pickerId}>Search languages</label>
        <LanguagePicker
          id={pickerId}
          selected={draft.languages}
          onChange={(languages) => onChange(index, { languages }, 'languages')}
          invalid={languageError['aria-invalid']}
          describedBy={languageError['aria-describedby']}
        />
        <FieldError errors={errors} fieldKey={`${base}.languages`} />
      </div>
    </div>
  );
}

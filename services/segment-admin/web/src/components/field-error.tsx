import type { FieldErrors } from '../lib/error-paths';

/** The id of the message element that describes a field's error. */
export function errorIdOf(fieldKey: string, scope = 'segment'): string {
  return `${scope}-error-${fieldKey.replace(/\./g, '-')}`;
}

/** aria attributes that tie a control to its error message when it has one. */
export function invalidProps(errors: FieldErrors, fieldKey: string) {
  const invalid = (errors[fieldKey]?.length ?? 0) > 0;

  return {
    'aria-invalid': invalid ? true : undefined,
    'aria-describedby': invalid ? errorIdOf(fieldKey) : undefined,
  };
}

interface FieldErrorProps {
  errors: FieldErrors;
  fieldKey: string;
}

/** The API's messages for one field, shown right below it. */
export function FieldError({ errors, fieldKey }: FieldErrorProps) {
  const messages = errors[fieldKey];
  if (!messages?.length) return null;

  return (
    <p
      id={errorIdOf(fieldKey)}
      className="field-error"
      data-testid={`error-${fieldKey.replace(/\./g, '-')}`}
    >
      {messages.join(' ')}
    </p>
  );
}

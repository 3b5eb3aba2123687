import { randomInt } from 'node:crypto';
import type { FieldError } from '@kedge/api';

const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path';

/** Name checks worded as upstream's apimachinery validation messages. */
export function validateName(value: unknown, rule: NameRule, field: string): FieldError[] {
  if (value === undefined || value === null || value === '') return [{ field, reason: 'FieldValueRequired', message: 'Required value: name or generateName is required' }];
  const v = String(value);
  const bad = (why: string): FieldError[] => [{ field, reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(v)}: ${why}` }];
  switch (rule) {
    case 'subdomain':
      if (v.length > 253) return bad('must be no more than 253 characters');
      if (!subdomain.test(v)) return bad(`a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`);
      return [];
    case 'label':
      if (v.length > 63) return bad('must be no more than 63 characters');
      if (!label.test(v)) return bad(`a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`);
      return [];
    case 'dns1035':
      if (v.length > 63) return bad('must be no more than 63 characters');
      if (!dns1035.test(v)) return bad(`a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`);
      return [];
    case 'path':
      if (v === '.' || v === '..' || v.includes('/') || v.includes('%')) return bad(`may not be '.' or '..' and may not contain '/' or '%'`);
      return [];
  }
}

export function isDnsLabel(v: string): boolean {
  return label.test(v) && v.length <= 63;
}

const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** KEP-4420: 5 random characters appended to generateName. */
export function generateNameSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

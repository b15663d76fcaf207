/**
 * The only place the pure modules touch the framework: deciding whether a value is a
 * deploy-time reference (a cdktf token). Swapping cdktf for cdktn changes this import only.
 */
import { Token } from 'cdktf';

/** True for Terraform references and other values known only at deploy time. */
export function isUnresolved(value: unknown): boolean {
  if (typeof value === 'string' || typeof value === 'number') return Token.isUnresolved(value);
  if (Array.isArray(value)) return Token.isUnresolved(value);
  return false;
}

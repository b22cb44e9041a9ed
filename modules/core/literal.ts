/**
 * Text that must reach Terraform as written. Terraform reads every string of a JSON
 * configuration, map keys included, as a template: `${...}` is evaluated and `%{...}` is a
 * directive. A config value such as `${file("/etc/hostname")}` would be run at plan time, and
 * `50%{x}` would break the plan. Escaping `${` as `$${` and `%{` as `%%{` keeps it text.
 * @see https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences
 */
import { Token } from "cdktf";

/** `s` as a Terraform template that evaluates to `s`. cdktf tokens (references) are left alone. */
export function literal(s: string): string {
  if (Token.isUnresolved(s)) return s;
  return s.replace(/([$%])\{/g, "$1$1{");
}

/** `value` with every string in it, object keys included, made literal (see `literal`). */
export function literalDeep<T>(value: T): T {
  if (typeof value === "string") return literal(value) as T;
  if (Array.isArray(value)) return value.map((v) => literalDeep(v)) as T;
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [literal(k), literalDeep(v)])) as T;
  }
  return value;
}

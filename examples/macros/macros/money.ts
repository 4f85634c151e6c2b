// Every exported function is a macro: `@to_cents(amount)` in a model calls to_cents with the
// evaluator first, then the arguments. String(arg) is the argument's SQL text.
export function to_cents(evaluator, amount) {
  return `CAST(ROUND(${amount} * 100) AS BIGINT)`;
}

/**
 * The WHERE clause and positional parameters ($1, $2, …) of a filtered list query, built one
 * optional filter at a time, so values never enter the SQL text.
 *
 * @example
 * const sql = new SqlConditions();
 * if (query.status) sql.where(`"status" = ${sql.param(query.status)}`);
 * await db.query(`SELECT * FROM "alert" ${sql.clause} LIMIT ${sql.param(query.limit)}`, sql.params);
 */
export class SqlConditions {
  readonly params: unknown[] = [];
  readonly #conditions: string[] = [];

  /** The placeholder that stands for `value`. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** ANDs `condition` (SQL with placeholders from `param`) into the clause. */
  where(condition: string): void {
    this.#conditions.push(condition);
  }

  /** `WHERE a AND b …`, or '' without conditions. */
  get clause(): string {
    return this.#conditions.length > 0 ? `WHERE ${this.#conditions.join(' AND ')}` : '';
  }
}

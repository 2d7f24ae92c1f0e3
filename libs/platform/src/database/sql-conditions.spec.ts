import { SqlConditions } from './sql-conditions';

describe('SqlConditions', () => {
  it('numbers the placeholders in the order the values are added and ANDs the conditions', () => {
    const sql = new SqlConditions();
    sql.where(`"line_id" = ${sql.param('L1')}`);
    sql.where(`("ts", "id") < (${sql.param('2026-01-01')}::timestamptz, ${sql.param(7)}::bigint)`);

    expect(`${sql.clause} LIMIT ${sql.param(51)}`).toBe(`WHERE "line_id" = $1 AND ("ts", "id") < ($2::timestamptz, $3::bigint) LIMIT $4`);
    expect(sql.params).toEqual(['L1', '2026-01-01', 7, 51]);
  });

  it('has no clause without conditions', () => {
    expect(new SqlConditions().clause).toBe('');
  });
});

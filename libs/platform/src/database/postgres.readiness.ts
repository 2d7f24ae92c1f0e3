import { DataSource } from 'typeorm';

import { ReadinessCheck } from '../health';

export class PostgresReadiness implements ReadinessCheck {
  readonly name = 'postgres';

  constructor(private readonly dataSource: DataSource) {}

  async check(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}

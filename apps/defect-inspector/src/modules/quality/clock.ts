import { Injectable } from '@nestjs/common';

/** The wall clock, behind a port so that defaults like "the last hour" are testable (STYLE R2). */
@Injectable()
export class Clock {
  now(): number {
    return Date.now();
  }
}

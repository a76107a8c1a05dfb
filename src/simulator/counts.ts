/**
 * What reached the simulator: requests per model, what each was answered
 * with, and how many connections the client closed before the answer ended.
 */

/** Counts for one model id. `outcomes` is keyed by `success` or the fault type served. */
export interface ModelCounts {
  requests: number;
  outcomes: Record<string, number>;
  /** Image and file (document) parts received, when there were any. */
  images?: number;
  files?: number;
}

/** A plain snapshot, safe to serialise (also served at `GET /_detour/counts`). */
export interface SimulatorCounts {
  /** Model requests received (all protocols). */
  requests: number;
  /** Requests whose client went away before the answer was complete (aborted, timed out, lost a race). */
  connectionsClosedByClient: number;
  /** Requests that could not be read (bad JSON, unknown path, missing model). */
  rejected: number;
  models: Record<string, ModelCounts>;
}

/** The live, mutable counters behind `counts()`. */
export class CountBook {
  private requests = 0;
  private closedByClient = 0;
  private rejected = 0;
  private readonly models = new Map<string, ModelCounts>();

  received(model: string, images = 0, files = 0): void {
    this.requests += 1;
    let counts = this.models.get(model);
    if (counts === undefined) {
      counts = { requests: 0, outcomes: {} };
      this.models.set(model, counts);
    }
    counts.requests += 1;
    if (images > 0) counts.images = (counts.images ?? 0) + images;
    if (files > 0) counts.files = (counts.files ?? 0) + files;
  }

  served(model: string, outcome: string): void {
    const counts = this.models.get(model);
    if (counts !== undefined) counts.outcomes[outcome] = (counts.outcomes[outcome] ?? 0) + 1;
  }

  closedEarly(): void {
    this.closedByClient += 1;
  }

  rejectedRequest(): void {
    this.rejected += 1;
  }

  clear(): void {
    this.requests = 0;
    this.closedByClient = 0;
    this.rejected = 0;
    this.models.clear();
  }

  snapshot(): SimulatorCounts {
    const models: Record<string, ModelCounts> = {};
    for (const [model, counts] of this.models) {
      models[model] = {
        requests: counts.requests,
        outcomes: { ...counts.outcomes },
        ...(counts.images === undefined ? {} : { images: counts.images }),
        ...(counts.files === undefined ? {} : { files: counts.files }),
      };
    }
    return { requests: this.requests, connectionsClosedByClient: this.closedByClient, rejected: this.rejected, models };
  }
}

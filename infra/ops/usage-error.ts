// A command line the ops CLI cannot run as given: printed with the usage text, exit code 2.
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

// Cloud Build's first deploy step: checks the settings every function is about to be deployed
// with, and the renewal job made from them, before anything is deployed (infra/deploy/deploy-settings.ts).
//   npx tsx infra/deploy/preflight.ts --region R --env-vars "<--set-env-vars value>" --secrets "<--set-secrets value>"
import { parseArgs } from 'node:util';
import { deployProblems } from './deploy-settings';

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: { region: { type: 'string', default: '' }, 'env-vars': { type: 'string', default: '' }, secrets: { type: 'string', default: '' } },
  });
  const problems = deployProblems({ region: values.region, envVars: values['env-vars'], secrets: values.secrets });
  if (problems.length > 0) {
    console.error(`the deploy settings would not work (fix the build's substitutions):\n  ${problems.join('\n  ')}`);
    return 1;
  }
  console.log('deploy settings: every function would start, and the renewal job can be made');
  return 0;
}

process.exitCode = main(process.argv.slice(2));

import type { Translate } from '../../i18n/useT';
import type { TargetProblem } from './target-form';

/** A target field's problem in the reader's language. */
export function targetProblemText(t: Translate, problem: TargetProblem | undefined): string | undefined {
  if (!problem) return undefined;
  const texts: Record<TargetProblem, () => string> = {
    endpointRequired: () => t('backup:target.endpointRequired'),
    endpointInvalid: () => t('backup:target.endpointInvalid'),
    endpointUserInfo: () => t('backup:target.endpointUserInfo'),
    endpointLinkLocal: () => t('backup:target.endpointLinkLocal'),
    bucketInvalid: () => t('backup:target.bucketInvalid'),
    prefixInvalid: () => t('backup:target.prefixInvalid'),
    regionRequired: () => t('backup:target.regionRequired'),
    accessKeyIdRequired: () => t('backup:target.accessKeyIdRequired'),
    secretRequired: () => t('backup:target.secretRequired'),
    caRequired: () => t('backup:target.caRequired'),
    caInvalid: () => t('backup:target.caInvalid'),
    caNeedsHttps: () => t('backup:target.caNeedsHttps'),
  };
  return texts[problem]();
}

/** The connection test's step (list, put, get, delete) as "while trying to …". */
export function testStepText(t: Translate, step: 'list' | 'put' | 'get' | 'delete'): string {
  const texts = {
    list: () => t('backup:test.step.list'),
    put: () => t('backup:test.step.put'),
    get: () => t('backup:test.step.get'),
    delete: () => t('backup:test.step.delete'),
  };
  return texts[step]();
}

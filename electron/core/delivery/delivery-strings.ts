/**
 * Every user-visible string of the delivery channels (e-mail subjects and bodies, the webhook
 * `subject` fields), in one place so that a translation can replace the object as a whole.
 * Values are plain text: the HTML renderer escapes whatever it interpolates, templates included.
 */
import { LETTER_EN } from '../../../shared/delivery-letter.js';

export interface DeliveryStrings {
  warningSubject(level: number, levelCount: number): string;
  finalWarningSubject(deliveryDate: string): string;
  warningHeading: string;
  warningLevel(level: number, levelCount: number, planName: string): string;
  warningNext(nextLevel: number, levelCount: number, when: string, relative: string): string;
  finalWarningNext(messageCount: number, when: string, relative: string): string;
  finalWarningEmphasis: string;
  checkinHeading: string;
  checkinApp: string;
  checkinCli: string;
  checkinCliCommand: string;
  checkinLink: string;
  checkinLinkButton: string;
  checkinLinkNote: string;
  checkinStopsEverything: string;
  warningSummary(messageCount: number): string;
  deliveryFallbackSubject(senderName: string | null): string;
  deliveryFooter(senderName: string | null): string;
  noticeSubject(subject: string): string;
  testSubject: string;
  testExplanation: string;
  /** `in 3 days`, `in 5 hours`, `in 20 minutes`, `now`. */
  relative(ms: number): string;
  /** The short absolute form used in subjects, e.g. `2025-03-04 12:00 UTC`. */
  shortDate(epochMs: number): string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
const messages = (n: number): string => plural(n, 'message', 'messages');

export const EN: DeliveryStrings = {
  warningSubject: (level, levelCount) => `Afterword: are you there? (warning ${level} of ${levelCount})`,
  finalWarningSubject: (date) => `Afterword: FINAL warning — your messages go out on ${date}`,
  warningHeading: 'Are you there?',
  warningLevel: (level, levelCount, planName) =>
    `This is warning ${level} of ${levelCount} for your Afterword plan "${planName}": you have not checked in.`,
  warningNext: (nextLevel, levelCount, when, relative) =>
    `If you do not check in, warning ${nextLevel} of ${levelCount} follows on ${when} (${relative}).`,
  finalWarningNext: (messageCount, when, relative) =>
    `This is the FINAL warning. If you do not check in, your ${messages(messageCount)} will be ` +
    `delivered to their recipients on ${when} (${relative}).`,
  finalWarningEmphasis: 'After that, delivered messages cannot be called back.',
  checkinHeading: 'To check in, do any one of these:',
  checkinApp: 'In the Afterword desktop app (or its tray menu), click "I\'m here".',
  checkinCli: 'In a terminal, run:',
  checkinCliCommand: 'afterword checkin',
  checkinLink: 'Open this link and press the button on the page:',
  checkinLinkButton: 'Open the check-in page',
  checkinLinkNote: 'Opening the link alone does not count; only pressing the button does.',
  checkinStopsEverything:
    'Checking in stops everything: no further warnings are sent, no messages are delivered, and ' +
    'the schedule starts again from your check-in.',
  warningSummary: (messageCount) => `Waiting in this plan: ${messages(messageCount)}.`,
  deliveryFallbackSubject: LETTER_EN.fallbackSubject,
  deliveryFooter: LETTER_EN.footer,
  noticeSubject: (subject) => `Afterword: ${subject}`,
  testSubject: 'Afterword: test message',
  testExplanation: 'This is a test sent by Afterword to check that this channel works. Nothing else needs to be done.',
  relative(ms) {
    if (ms < MINUTE) return 'now';
    // Rounded down: the warning should never make the deadline sound further away than it is.
    if (ms >= 2 * DAY) return `in ${plural(Math.floor(ms / DAY), 'day', 'days')}`;
    if (ms >= 2 * HOUR) return `in ${plural(Math.floor(ms / HOUR), 'hour', 'hours')}`;
    return `in ${plural(Math.floor(ms / MINUTE), 'minute', 'minutes')}`;
  },
  shortDate(epochMs) {
    const iso = new Date(epochMs).toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  },
};

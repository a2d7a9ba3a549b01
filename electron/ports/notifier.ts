/** A desktop warning: "Are you there?" with an "I'm here" action where the platform allows. */
export interface DesktopPrompt {
  planId: string | null;
  level: number;
  title: string;
  body: string;
}

export interface Notifier {
  /** Shows (or records) the prompt. Resolves once it is shown or durably recorded. */
  notify(prompt: DesktopPrompt): Promise<void>;
}

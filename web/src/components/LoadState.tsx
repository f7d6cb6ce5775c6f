// What every screen shows while something loads: a spinner, or what went wrong and a way to try again.
import { Button, InlineAlert, LoadingSpinner, Paragraph } from "suomifi-ui-components";
import type { Loaded } from "../lib/useLoad";

interface Props {
  loaded: Loaded<unknown>;
  loadingText: string;
  /** The message for a failed load; a function when it depends on the error (a refusal, say). */
  errorText: string | ((error: unknown) => string);
  retryText: string;
  onRetry: () => void;
}

/** Nothing once the data is ready: the screen shows that itself. */
export function LoadState({ loaded, loadingText, errorText, retryText, onRetry }: Props) {
  if (loaded.status === "loading") return <LoadingSpinner status="loading" text={loadingText} textAlign="right" />;
  if (loaded.status === "error") {
    return (
      <InlineAlert status="error" role="alert">
        <Paragraph mb="s">{typeof errorText === "function" ? errorText(loaded.error) : errorText}</Paragraph>
        <Button variant="secondary" onClick={onRetry}>
          {retryText}
        </Button>
      </InlineAlert>
    );
  }
  return null;
}

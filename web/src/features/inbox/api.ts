import { useEffect, useState } from "react";
import { answer, useApi } from "../../lib/api";

const EVERY = 60_000;

/** How many of my messages are unread (GET /inbox), looked at again every minute; undefined until known. */
export function useUnreadCount(): number | undefined {
  const api = useApi();
  const [unread, setUnread] = useState<number>();
  useEffect(() => {
    const controller = new AbortController();
    const look = () =>
      api
        .GET("/inbox", { signal: controller.signal })
        .then(answer)
        .then((items) => setUnread(items.filter((item) => item.read_at === null).length))
        .catch(() => undefined); // the count is a hint; the inbox itself shows errors
    void look();
    const timer = window.setInterval(look, EVERY);
    return () => {
      controller.abort();
      window.clearInterval(timer);
    };
  }, [api]);
  return unread;
}

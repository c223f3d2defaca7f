// SDK test guest: log — one line per nginx level, and a message longer than the host's limit.
import { handle, log } from "../../../sdk";

export function on_content(): i32 {
  return handle((): void => {
    log.stderr("level stderr");
    log.emerg("level emerg");
    log.alert("level alert");
    log.crit("level crit");
    log.err("level err");
    log.warn("level warn");
    log.notice("level notice");
    log.info("level info");
    log.debug("level debug");
    log.write(4, "utf-8 ünïcödé ✓");
    log.info("x".repeat(3000));
  });
}

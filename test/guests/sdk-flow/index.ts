// SDK test guest: subrequests and yield — the re-invocation model with a Stage.
import { handle, log, Method, Response, Stage, Subrequest, yieldNow } from "../../../sdk";

const stage = new Stage();

export function on_content(): i32 {
  return handle(content);
}

function content(): void {
  if (stage.is(0)) {
    Response.say("before");
    Subrequest.setHeader("X-Sub", "1");
    Subrequest.fetch("/backend", "a=1&b=2", Method.POST);
    stage.next();
    return;
  }
  if (stage.is(1)) {
    Response.say("status=" + Subrequest.status().toString());
    const t = Subrequest.header("X-Backend");
    Response.say("x-backend=" + (t !== null ? t : "null"));
    Response.say("missing=" + (Subrequest.header("X-Nope") === null ? "null" : "present"));
    const body = Subrequest.bodyText();
    Response.say("body-length=" + body.length.toString());
    Response.say("body-start=" + body.substring(0, 12));
    yieldNow();
    stage.next();
    return;
  }
  log.info("stage " + stage.current.toString());
  Response.say("after yield");
}

export function on_nocapture(): i32 {
  return handle((): void => {
    if (stage.is(0)) {
      Subrequest.fetch("/plain", "", Method.GET, false);
      stage.next();
      return;
    }
    Response.say("status=" + Subrequest.status().toString());
  });
}

export function on_nocapture_body(): i32 {
  return handle((): void => {
    if (stage.is(0)) {
      Subrequest.fetch("/plain", "", Method.GET, false);
      stage.next();
      return;
    }
    Subrequest.body();
  });
}

// A worker that exits (reload, stop) right after running guests must exit
// cleanly: the module's watchdog thread is stopped and joined before nginx
// unloads the module (it used to go on running the unloaded code: the
// worker "exited on signal 11" after its "exit" line, under ASan more often).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Nginx } from "../support/nginx.js";
import { abiGuest } from "../support/wat.js";

for (const asan of [false, true]) {
  describe(`worker exit after guest calls${asan ? ", ASan module" : ""}`, () => {
    let ngx: Nginx;
    let config: string;

    beforeAll(async () => {
      ngx = await Nginx.create(`worker-exit${asan ? "-asan" : ""}`, { asan });
      const g = ngx.addFile("wasm/ok.wasm", await abiGuest(`(func (export "on_ok") (result i32) (call $ngx_wasm_resp_write (i32.const 0) (i32.const 0)))`));
      config = `
    server {
        listen ${ngx.listen()};
        location = /ok { content_by_wasm ${g} on_ok; }
    }`;
      await ngx.start(config);
    }, 120_000);

    afterAll(async () => {
      await ngx?.stop();
    });

    it("20 reloads, each right after guest calls: no worker dies", async () => {
      for (let i = 0; i < 20; i++) {
        for (let j = 0; j < 5; j++) expect((await ngx.get("/ok")).status).toBe(200);
        const reload = await ngx.reload(config);
        expect(reload.ok, reload.output).toBe(true);
      }
      expect((await ngx.get("/ok")).status).toBe(200);
      expect(ngx.errorLog()).not.toMatch(/exited on signal/);
      if (asan) expect(ngx.asanReports()).toEqual([]);
    }, 120_000);
  });
}

// The hello guest in ngxwasm's in-process host: no nginx needed. loadGuest
// builds guests/hello exactly as `npm run build` does, then loads it.
import { beforeAll, describe, expect, it } from "vitest";
import { loadGuest, type TestGuest } from "ngxwasm/testing";

let hello: TestGuest;

beforeAll(async () => {
  hello = await loadGuest("guests/hello");
});

describe("guests/hello", () => {
  it("greets the name given in the query", async () => {
    const r = await hello.run({ phase: "content", request: { uri: "/hello?name=ada" } });
    expect(r.ok).toBe(true);
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("text/plain");
    expect(r.headers["x-greeter"]).toBe("ngxwasm");
    expect(r.body).toBe("hello, ada\n");
  });

  it("greets the world without a name", async () => {
    const r = await hello.run({ phase: "content", request: { uri: "/hello" } });
    expect(r.body).toBe("hello, world\n");
  });
});

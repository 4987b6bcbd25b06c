// The FluxAspire playground: a form generated from the workflows' JSON schemas in /openapi/v1.json, POST /jobs with
// previews on, the job followed over its SSE stream, and a gallery from GET /jobs. Plain ES module, no dependencies:
// every request goes to this API, with the X-Api-Key the page asks for when the API answers 401.

const $ = (id) => document.getElementById(id);
const KEY_STORAGE = "fluxaspire.apiKey";
const SIZE_PRESETS = [[1024, 1024], [768, 768], [512, 512], [1344, 768], [768, 1344], [1152, 896], [896, 1152]];
// Shown at once; every other property of a workflow's input goes under "More settings".
const MAIN_FIELDS = ["prompt", "image", "width", "height", "steps", "seed", "guidance", "sampler_name", "scheduler"];

const state = {
  key: localStorage.getItem(KEY_STORAGE),
  workflows: new Map(),
  job: null,          // the job being followed: {id, workflow, input}
  follow: null,       // AbortController of its event stream
  shown: null,        // what the viewer shows: {id, workflow, input, url, filename}
  next: null,         // GET /jobs's next page
  objectUrls: new Set(),
  keyWaiters: null,
};

// ---------------------------------------------------------------- API calls

async function api(path, options = {}) {
  const headers = new Headers(options.headers || {});
  if (state.key) headers.set("X-Api-Key", state.key);
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401) {
    await askForKey(state.key ? "That key was refused. Enter the API's key (X-Api-Key)." : null);
    return api(path, options);
  }
  return response;
}

function askForKey(message) {
  if (!state.keyWaiters) {
    state.keyWaiters = [];
    $("key-message").textContent = message || "This API needs a key. It is sent as the X-Api-Key header and kept in this browser only.";
    $("api-key").value = "";
    $("key-dialog").showModal();
    $("api-key").focus();
  }
  return new Promise((resolve) => state.keyWaiters.push(resolve));
}

function keyEntered(event) {
  event.preventDefault();
  const key = $("api-key").value.trim();
  if (!key) return;
  state.key = key;
  localStorage.setItem(KEY_STORAGE, key);
  $("key-button").hidden = false;
  $("key-dialog").close();
  const waiters = state.keyWaiters || [];
  state.keyWaiters = null;
  waiters.forEach((resolve) => resolve());
}

async function problemOf(response) {
  try {
    return await response.json();
  } catch {
    return { title: `${response.status} ${response.statusText}` };
  }
}

/** An output's bytes as an object URL (an <img src> cannot send X-Api-Key). */
async function outputUrl(url) {
  const response = await api(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  const objectUrl = URL.createObjectURL(await response.blob());
  state.objectUrls.add(objectUrl);
  return objectUrl;
}

// ---------------------------------------------------------------- the form, from the OpenAPI document

function resolve(doc, schema) {
  if (schema && schema.$ref) return doc.components?.schemas?.[schema.$ref.split("/").pop()];
  return schema;
}

async function loadWorkflows() {
  const response = await api("/openapi/v1.json");
  if (!response.ok) throw new Error(`GET /openapi/v1.json answered ${response.status}`);
  const doc = await response.json();
  for (const [path, item] of Object.entries(doc.paths || {})) {
    if (!path.startsWith("/workflow/") || path.includes("{") || !item.post) continue;
    const request = resolve(doc, item.post.requestBody?.content?.["application/json"]?.schema);
    const input = resolve(doc, request?.properties?.input);
    if (!input?.properties) continue;
    const route = path.slice("/workflow/".length);
    state.workflows.set(route, { route, summary: item.post.summary || route, description: item.post.description || "", input });
  }
  const select = $("workflow");
  const routes = [...state.workflows.keys()].sort((a, b) => (a === "text2img" ? -1 : b === "text2img" ? 1 : a.localeCompare(b)));
  select.replaceChildren(...routes.map((route) => new Option(`${route} — ${state.workflows.get(route).summary}`, route)));
  if (routes.length === 0) throw new Error("The API lists no workflows.");
  buildForm(routes[0]);
}

function isImageField(name) {
  return name === "image" || name.endsWith("_image");
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node && typeof value !== "string") node[key] = value;
    else if (value !== false) node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function fieldId(name) {
  return `input-${name}`;
}

function buildForm(route) {
  const workflow = state.workflows.get(route);
  $("workflow").value = route;
  const schema = workflow.input;
  const required = new Set(schema.required || []);
  const names = Object.keys(schema.properties);
  const main = el("div");
  const more = el("details", {}, el("summary", {}, "More settings"));
  const hasSize = names.includes("width") && names.includes("height");
  for (const name of names) {
    if (hasSize && name === "height") continue;
    const target = MAIN_FIELDS.includes(name) ? main : more;
    if (hasSize && name === "width") {
      target.append(sizeField(schema.properties.width, schema.properties.height));
      continue;
    }
    target.append(field(name, schema.properties[name], required.has(name)));
  }
  $("fields").replaceChildren(main, ...(more.children.length > 1 ? [more] : []));
  clearErrors();
}

function errorSlot(key) {
  return el("p", { class: "field-error", id: `error-${key}` });
}

function numberInput(name, prop) {
  return el("input", {
    type: "number", id: fieldId(name), name, inputmode: prop.type === "integer" ? "numeric" : "decimal",
    min: prop.minimum ?? undefined, max: prop.maximum ?? undefined, step: prop.type === "integer" ? "1" : "any",
    value: prop.default ?? "", dataset: { kind: prop.type },
  });
}

function field(name, prop, isRequired) {
  const key = `input.${name}`;
  const label = el("label", { for: fieldId(name) }, name.replaceAll("_", " "), isRequired ? " *" : "");
  const hint = prop.description ? el("p", { class: "hint" }, prop.description) : null;
  let control;
  if (isImageField(name)) {
    const file = el("input", { type: "file", id: `${fieldId(name)}-file`, accept: "image/*", "aria-label": `${name} file` });
    const text = el("input", { type: "text", id: fieldId(name), name, placeholder: "an https:// URL, or choose a file", dataset: { kind: "string" } });
    file.addEventListener("change", () => {
      const chosen = file.files?.[0];
      if (!chosen) return;
      const reader = new FileReader();
      reader.onload = () => { text.value = String(reader.result); };
      reader.readAsDataURL(chosen);
    });
    control = el("div", { class: "row" }, file, text);
  } else if (Array.isArray(prop.enum)) {
    control = el("select", { id: fieldId(name), name, dataset: { kind: "string" } },
      ...prop.enum.map((value) => new Option(String(value), String(value), false, value === prop.default)));
  } else if (name === "seed") {
    const input = numberInput(name, prop);
    const random = el("input", { type: "checkbox", id: "seed-random", checked: prop.default === undefined });
    input.disabled = random.checked;
    random.addEventListener("change", () => { input.disabled = random.checked; if (!random.checked) input.focus(); });
    control = el("div", { class: "row" }, input, el("label", { class: "check", for: "seed-random" }, random, "random"));
  } else if (prop.type === "integer" || prop.type === "number") {
    control = numberInput(name, prop);
  } else if (prop.type === "boolean") {
    control = el("input", { type: "checkbox", id: fieldId(name), name, checked: prop.default === true, dataset: { kind: "boolean" } });
  } else if (name.includes("prompt")) {
    control = el("textarea", { id: fieldId(name), name, rows: 4, placeholder: "A beautiful sunset over the ocean", dataset: { kind: "string" } });
    control.value = prop.default ?? "";
  } else {
    control = el("input", { type: "text", id: fieldId(name), name, value: prop.default ?? "", dataset: { kind: "string" } });
  }
  return el("div", { class: "field", dataset: { field: key } }, label, control, hint, errorSlot(key));
}

function sizeField(width, height) {
  const preset = el("select", { id: "size-preset", "aria-label": "size preset" },
    ...SIZE_PRESETS.map(([w, h]) => new Option(`${w} × ${h}`, `${w}x${h}`)), new Option("custom", "custom"));
  const w = numberInput("width", width);
  const h = numberInput("height", height);
  const sync = () => { preset.value = SIZE_PRESETS.some(([a, b]) => `${a}` === w.value && `${b}` === h.value) ? `${w.value}x${h.value}` : "custom"; };
  preset.addEventListener("change", () => {
    if (preset.value === "custom") return;
    [w.value, h.value] = preset.value.split("x");
  });
  w.addEventListener("input", sync);
  h.addEventListener("input", sync);
  sync();
  return el("div", { class: "field", dataset: { field: "input.width" } },
    el("label", { for: "size-preset" }, "size"),
    el("div", { class: "row" }, preset, w, el("span", { class: "check" }, "×"), h),
    el("div", { class: "hidden-slot", dataset: { field: "input.height" } }, errorSlot("input.height")),
    errorSlot("input.width"));
}

/** The input as JSON text: integers are written as typed, so a seed beyond 2^53 keeps every digit. */
function readInput() {
  const workflow = state.workflows.get($("workflow").value);
  const parts = [];
  const local = {};
  for (const name of Object.keys(workflow.input.properties)) {
    const control = $(fieldId(name));
    if (!control || control.disabled) continue;
    const kind = control.dataset.kind;
    let json;
    if (kind === "boolean") json = control.checked ? "true" : "false";
    else if (kind === "integer") {
      const text = control.value.trim();
      if (text === "") continue;
      json = /^-?\d+$/.test(text) ? text : JSON.stringify(text); // the API names a wrong one
    } else if (kind === "number") {
      if (control.value.trim() === "") continue;
      const n = Number(control.value);
      json = Number.isFinite(n) ? JSON.stringify(n) : JSON.stringify(control.value);
    } else {
      if (control.value === "" && name !== "prompt") continue;
      json = JSON.stringify(control.value);
    }
    parts.push(`${JSON.stringify(name)}:${json}`);
    local[name] = JSON.parse(json);
  }
  return { text: `{${parts.join(",")}}`, value: local };
}

function requestText(workflow, inputText) {
  return `{"workflow":${JSON.stringify(workflow)},"input":${inputText},"previews":true}`;
}

function fillForm(workflow, input) {
  if (!state.workflows.has(workflow)) return false;
  buildForm(workflow);
  for (const [name, value] of Object.entries(input || {})) {
    const control = $(fieldId(name));
    if (!control) continue;
    if (control.type === "checkbox") control.checked = value === true;
    else control.value = String(value);
  }
  if ("seed" in (input || {}) && $("seed-random")) {
    $("seed-random").checked = false;
    $(fieldId("seed")).disabled = false;
  }
  $(fieldId("width"))?.dispatchEvent(new Event("input"));
  return true;
}

function curlOf(workflow, inputText) {
  const body = requestText(workflow, inputText).replaceAll("'", "'\\''");
  const key = state.key ? ` \\\n  -H "X-Api-Key: $FLUXASPIRE_API_KEY"` : "";
  return `curl -X POST '${location.origin}/jobs' -H 'Content-Type: application/json'${key} \\\n  -d '${body}'`;
}

async function copyCurl(text) {
  const pre = $("curl");
  pre.textContent = text;
  pre.hidden = false;
  try {
    await navigator.clipboard.writeText(text);
    setStatus("The request is on the clipboard as a curl command.");
  } catch {
    setStatus("Here is the request as a curl command (the clipboard is not available).");
  }
}

// ---------------------------------------------------------------- errors

function clearErrors() {
  document.querySelectorAll(".field-error").forEach((p) => { p.textContent = ""; });
  document.querySelectorAll("[aria-invalid]").forEach((c) => c.removeAttribute("aria-invalid"));
  $("form-error").hidden = true;
  $("form-error").textContent = "";
}

function showProblem(problem) {
  clearErrors();
  const unplaced = [];
  let first = null;
  for (const [key, messages] of Object.entries(problem.errors || {})) {
    const slot = document.getElementById(`error-${key}`);
    const text = [].concat(messages).join(" ");
    if (!slot) { unplaced.push(`${key}: ${text}`); continue; }
    slot.textContent = text;
    const control = $(fieldId(key.replace(/^input\./, "")));
    if (control) { control.setAttribute("aria-invalid", "true"); control.setAttribute("aria-describedby", slot.id); first ??= control; }
  }
  if (unplaced.length > 0 || !problem.errors) {
    $("form-error").textContent = [problem.title, problem.detail, ...unplaced].filter(Boolean).join("\n");
    $("form-error").hidden = false;
  }
  first?.focus();
  setStatus(problem.title || "The request was refused.");
}

/** A failed job's error, ComfyUI's node errors spelled out. */
function describeError(error) {
  if (!error) return "The job failed.";
  const lines = [error.message];
  const d = error.details || {};
  if (d.node_id || d.node_type) lines.push(`Node ${d.node_id ?? "?"}${d.node_type ? ` (${d.node_type})` : ""}`);
  if (d.exception_type || d.exception_message) lines.push([d.exception_type, d.exception_message].filter(Boolean).join(": "));
  for (const [node, info] of Object.entries(d.node_errors || {})) {
    for (const e of info.errors || []) lines.push(`Node ${node}${info.class_type ? ` (${info.class_type})` : ""}: ${e.message}${e.details ? ` — ${e.details}` : ""}`);
  }
  return lines.filter(Boolean).join("\n");
}

// ---------------------------------------------------------------- running a job

function setStatus(text, step = "") {
  $("status").textContent = text;
  $("step").textContent = step;
}

function setRunning(running) {
  $("submit").disabled = running || state.workflows.size === 0;
  $("cancel").disabled = !running;
}

async function submit(event) {
  event?.preventDefault();
  if (state.job) return;
  const workflow = $("workflow").value;
  const input = readInput();
  clearErrors();
  $("job-error").hidden = true;
  setRunning(true);
  setStatus("Submitting…");
  let response;
  try {
    response = await api("/jobs", { method: "POST", headers: { "Content-Type": "application/json" }, body: requestText(workflow, input.text) });
  } catch (e) {
    setRunning(false);
    showProblem({ title: "The API could not be reached.", detail: String(e.message || e) });
    return;
  }
  if (!response.ok) {
    setRunning(false);
    showProblem(await problemOf(response));
    return;
  }
  const job = await response.json();
  state.job = { id: job.id, workflow, input: input.value };
  $("progress").value = 0;
  $("progress").max = 1;
  renderJob(job);
  follow(state.job);
}

function renderJob(job) {
  // Only the snapshot and "queue" events carry the place; a "status" event keeps the last one seen.
  if (state.job) state.job.queuePosition = job.status === "queued" ? job.queue_position ?? state.job.queuePosition : null;
  const place = state.job?.queuePosition;
  if (job.status === "queued") setStatus(place ? `Queued — position ${place}` : "Queued: waiting for a free GPU…");
  else if (job.status === "running") setStatus("Running…", job.progress ? stepText(job.progress) : "");
}

function stepText(p) {
  return `step ${p.value ?? p.step} / ${p.max}${p.node ? ` · node ${p.node}` : ""}`;
}

function showImage(src, isPreview) {
  const img = $("image");
  img.src = src;
  img.hidden = false;
  img.classList.toggle("preview", isPreview);
  $("placeholder").hidden = true;
}

/** Follows GET /jobs/{id}/events (fetch, so X-Api-Key can go with it), resuming after a drop with Last-Event-ID. */
async function follow(job) {
  const controller = new AbortController();
  state.follow = controller;
  let lastId = null;
  for (let attempt = 0; attempt < 10 && !controller.signal.aborted; attempt++) {
    try {
      const headers = { Accept: "text/event-stream" };
      if (lastId) headers["Last-Event-ID"] = lastId;
      const response = await api(`/jobs/${encodeURIComponent(job.id)}/events`, { headers, signal: controller.signal });
      if (response.status === 204) return;
      if (!response.ok) {
        finish(job, { status: "failed", error: { message: (await problemOf(response)).detail || `events: ${response.status}` } });
        return;
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replaceAll("\r\n", "\n");
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const frame = parseFrame(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (!frame) continue;
          if (frame.id) lastId = frame.id;
          if (await handleEvent(job, frame)) return;
        }
      }
    } catch (e) {
      if (controller.signal.aborted) return;
    }
    await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
  }
}

function parseFrame(block) {
  let id = null, event = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "id") id = value;
    else if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return data.length ? { id, event, data: JSON.parse(data.join("\n")) } : null;
}

/** True when the job has ended. */
async function handleEvent(job, { event, data }) {
  if (state.job?.id !== job.id) return true;
  switch (event) {
    case "snapshot":
      renderJob(data);
      if (["succeeded", "failed", "canceled"].includes(data.status)) { await finish(job, data); return true; }
      return false;
    case "status":
    case "queue": // a queued job's place moved: { status: "queued", queue_position }
      renderJob(data);
      return false;
    case "progress":
      $("progress").max = Math.max(1, data.max);
      $("progress").value = data.value;
      setStatus("Sampling…", stepText(data));
      return false;
    case "preview":
      showImage(data.image, true);
      $("image").alt = `preview at step ${data.step} of ${data.max}`;
      $("caption").textContent = `Preview, step ${data.step} / ${data.max}`;
      return false;
    case "succeeded":
    case "failed":
    case "canceled":
      await finish(job, data);
      return true;
    default:
      return false;
  }
}

async function finish(job, body) {
  state.follow = null;
  if (body.status === "succeeded") {
    $("progress").value = $("progress").max;
    const output = body.result?.outputs?.[0];
    if (output) {
      await show({ id: job.id, workflow: job.workflow, input: job.input, url: output.url, filename: output.filename });
    }
    const seconds = body.result?.stats?.total_time != null ? ` in ${(body.result.stats.total_time / 1000).toFixed(1)} s` : "";
    setStatus(`Done${seconds}.`);
  } else if (body.status === "canceled") {
    setStatus("Canceled.");
  } else {
    $("job-error").textContent = describeError(body.error);
    $("job-error").hidden = false;
    setStatus("The job failed.");
  }
  state.job = null;
  setRunning(false);
  await loadGallery(false);
  // The API drew the seed when "random" was ticked: the gallery has the input as it ran.
  const listed = state.gallery?.find((item) => item.job.id === job.id);
  if (listed && state.shown?.id === job.id) {
    state.shown.input = listed.input;
    describeShown();
  }
}

function describeShown() {
  const item = state.shown;
  const img = $("image");
  $("caption").textContent = [item.input?.prompt, `${img.naturalWidth} × ${img.naturalHeight}`, item.input?.seed != null ? `seed ${item.input.seed}` : null]
    .filter(Boolean).join(" · ");
  $("reuse-seed").disabled = item.input?.seed == null;
}

async function show(item) {
  const src = await outputUrl(item.url);
  const img = $("image");
  const loaded = new Promise((r) => { img.onload = r; img.onerror = r; });
  showImage(src, false);
  await loaded;
  img.alt = item.input?.prompt || "generated image";
  img.dataset.jobId = item.id;
  $("download").href = src;
  $("download").download = item.filename || `${item.id}.png`;
  $("result-actions").hidden = false;
  state.shown = item;
  describeShown();
}

async function cancel() {
  const job = state.job;
  if (!job) return;
  $("cancel").disabled = true;
  setStatus("Canceling…");
  const response = await api(`/jobs/${encodeURIComponent(job.id)}/cancel`, { method: "POST" });
  if (!response.ok) { showProblem(await problemOf(response)); return; }
  const body = await response.json();
  if (["succeeded", "failed", "canceled"].includes(body.status) && state.job?.id === job.id) {
    state.follow?.abort();
    await finish(job, body);
  }
}

// ---------------------------------------------------------------- gallery

async function loadGallery(append) {
  const response = await api(append && state.next ? state.next : "/jobs?limit=12");
  if (!response.ok) return;
  const page = await response.json();
  if (!append) {
    $("gallery").replaceChildren();
    state.gallery = [];
  }
  state.next = page.next;
  state.gallery.push(...page.jobs);
  $("more").hidden = !page.next;
  $("gallery-empty").hidden = state.gallery.length > 0;
  for (const item of page.jobs) $("gallery").append(card(item));
}

function card(item) {
  const job = item.job;
  const output = job.result?.outputs?.[0];
  const thumb = el("button", { type: "button", class: "thumb", "aria-label": `open ${item.prompt || job.id}` }, job.status);
  const li = el("li", { class: "card", dataset: { jobId: job.id } },
    thumb,
    el("div", { class: "meta" },
      el("div", { class: "prompt" }, item.prompt || (item.workflow ? item.workflow : "graph job")),
      el("div", { class: `badge ${job.status}` }, job.status, item.width ? ` · ${item.width}×${item.height}` : "")));
  const actions = el("div", { class: "card-actions" });
  if (output) {
    const shown = { id: job.id, workflow: item.workflow, input: item.input, url: output.url, filename: output.filename };
    outputUrl(output.url).then((src) => {
      thumb.replaceChildren(el("img", { src, alt: item.prompt || job.id, loading: "lazy" }));
      actions.prepend(el("a", { class: "button", href: src, download: output.filename }, "Download"));
    }, () => { thumb.textContent = "expired"; });
    thumb.addEventListener("click", () => show(shown).then(() => setStatus("Showing a job from the gallery.")));
  } else {
    thumb.disabled = true;
  }
  if (item.workflow && item.input) {
    actions.append(
      el("button", { type: "button", onclick: () => copyCurl(curlOf(item.workflow, JSON.stringify(item.input))) }, "curl"),
      el("button", { type: "button", onclick: () => { if (fillForm(item.workflow, item.input)) submit(); } }, "Re-run"));
  }
  li.append(actions);
  return li;
}

// ---------------------------------------------------------------- start

function onKey(event) {
  if (event.key === "Escape" && state.job && !$("key-dialog").open) {
    event.preventDefault();
    cancel();
  }
  if (event.key === "Enter" && !event.shiftKey && event.target instanceof HTMLTextAreaElement && event.target.form === $("form")) {
    event.preventDefault();
    $("form").requestSubmit();
  }
}

async function start() {
  $("form").addEventListener("submit", submit);
  $("cancel").addEventListener("click", cancel);
  $("workflow").addEventListener("change", () => buildForm($("workflow").value));
  $("copy-curl").addEventListener("click", () => copyCurl(curlOf($("workflow").value, readInput().text)));
  $("refresh").addEventListener("click", () => loadGallery(false));
  $("more").addEventListener("click", () => loadGallery(true));
  $("key-form").addEventListener("submit", keyEntered);
  $("key-dialog").addEventListener("cancel", (e) => e.preventDefault()); // nothing works without it
  $("key-button").hidden = !state.key;
  $("key-button").addEventListener("click", () => askForKey(null).then(() => loadGallery(false)));
  $("reuse-seed").addEventListener("click", () => {
    if (state.shown?.input?.seed == null || !$(fieldId("seed"))) return;
    $("seed-random").checked = false;
    $(fieldId("seed")).disabled = false;
    $(fieldId("seed")).value = String(state.shown.input.seed);
    setStatus(`Seed ${state.shown.input.seed} will be used again.`);
  });
  $("rerun").addEventListener("click", () => { if (state.shown && fillForm(state.shown.workflow, state.shown.input)) submit(); });
  document.addEventListener("keydown", onKey);
  try {
    await loadWorkflows();
    setRunning(false);
    $(fieldId("prompt"))?.focus();
  } catch (e) {
    $("fields").replaceChildren(el("p", { class: "error" }, `Could not read the workflows: ${e.message || e}`));
  }
  await loadGallery(false);
  document.body.dataset.ready = "true";
}

start();

// Type-ahead learner picker: replaces a <select> of many learners by a search box that asks
// /learners/search (POST, so a typed BSN never lands in a URL) and shows what tells people apart.
// Without JavaScript the filtered <select> stays as it is.
document.querySelectorAll("[data-learner-picker]").forEach((box) => {
  const select = box.querySelector("select");
  const form = box.closest("form");
  const token = form.querySelector('input[name="csrf_token"]').value;
  const input = document.createElement("input");
  input.type = "search";
  input.id = select.id + "-search";
  input.autocomplete = "off";
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  const list = document.createElement("ul");
  list.id = select.id + "-matches";
  list.className = "picker-matches";
  list.setAttribute("role", "listbox");
  input.setAttribute("aria-controls", list.id);
  const status = document.createElement("p");
  status.className = "help";
  status.setAttribute("aria-live", "polite");
  status.textContent = box.dataset.hint;
  const label = box.querySelector("label");
  label.htmlFor = input.id;
  select.hidden = true;
  select.value = "";
  box.append(input, status, list);
  document.querySelectorAll(".no-js-only").forEach((el) => { el.hidden = true; });
  let timer = null;
  let asked = 0;
  const choose = (match) => {
    let option = [...select.options].find((o) => o.value === String(match.id));
    if (!option) {
      option = new Option(match.label, match.id);
      select.add(option);
    }
    select.value = String(match.id);
    input.value = match.name;
    status.textContent = match.label;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
  };
  const show = (results) => {
    list.replaceChildren(...results.map((match) => {
      const item = document.createElement("li");
      item.setAttribute("role", "option");
      item.tabIndex = -1;
      item.dataset.id = match.id;
      const name = document.createElement("strong");
      name.textContent = match.name;
      const details = document.createElement("span");
      details.textContent = ` · ${match.born} · ${match.bsn} · ${match.municipality}`;
      item.append(name, details);
      item.addEventListener("click", () => choose(match));
      item.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); choose(match); } });
      return item;
    }));
    input.setAttribute("aria-expanded", results.length ? "true" : "false");
    status.textContent = results.length ? "" : box.dataset.none;
  };
  input.addEventListener("input", () => {
    select.value = "";
    clearTimeout(timer);
    const query = input.value.trim();
    if (query.length < 2) { list.replaceChildren(); status.textContent = box.dataset.hint; return; }
    timer = setTimeout(async () => {
      const mine = ++asked;
      const body = new URLSearchParams({ q: query, csrf_token: token });
      const response = await fetch(box.dataset.searchUrl, { method: "POST", body, headers: { "X-CSRFToken": token } });
      if (mine !== asked || !response.ok) return;
      show((await response.json()).results);
    }, 200);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && list.firstChild) { event.preventDefault(); list.firstChild.focus(); }
  });
  list.addEventListener("keydown", (event) => {
    const item = document.activeElement;
    if (event.key === "ArrowDown" && item.nextSibling) { event.preventDefault(); item.nextSibling.focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); (item.previousSibling || input).focus(); }
  });
});

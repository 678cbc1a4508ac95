// The held import's page: filter the lists of what the file would remove as the supervisor types.
"use strict";

(function () {
  const input = document.getElementById("held-search");
  const count = document.getElementById("held-search-count");
  if (!input) return;
  const items = Array.from(document.querySelectorAll(".held-list li"));
  input.addEventListener("input", () => {
    const wanted = input.value.trim().toLowerCase();
    let shown = 0;
    for (const item of items) {
      const visible = wanted === "" || item.textContent.toLowerCase().includes(wanted);
      item.hidden = !visible;
      if (visible) shown += 1;
    }
    count.textContent = wanted === "" ? "" : `${shown} sur ${items.length}`;
  });
})();

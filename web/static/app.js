// Small enhancements only; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Changing the order re-runs the search at once.
  document.querySelectorAll("select[data-autosubmit]").forEach((el) =>
    el.addEventListener("change", () => el.form.submit()));

  // One-click copy of a citation or a JSON reference.
  document.querySelectorAll("button[data-copy]").forEach((btn) => {
    btn.addEventListener("click", async () => {
      const field = document.getElementById(btn.dataset.copy);
      const label = btn.textContent;
      try {
        await navigator.clipboard.writeText(field.value);
      } catch (e) {
        field.select();
        document.execCommand("copy");
      }
      btn.textContent = "Đã sao chép ✓";
      setTimeout(() => { btn.textContent = label; }, 2000);
    });
  });

  // "Back to results" returns to the exact results page (filters, page) when we came from it.
  document.querySelectorAll("a[data-back]").forEach((a) => {
    if (document.referrer && new URL(document.referrer).origin === location.origin &&
        new URL(document.referrer).pathname === "/") {
      a.href = document.referrer;
    }
  });
});

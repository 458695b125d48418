// dist/embed.html's only script of its own: the URL hash sets the element's attributes,
// #scenario=<encodeURIComponent(JSON)>&model=<id>&mode=training|inference&compact&unit=GB|GiB.
{
  const calculator = document.querySelector('llm-memory-calculator');
  const names = ['scenario', 'model', 'mode', 'compact', 'unit'];
  const apply = () => {
    // URLSearchParams would turn a '+' into a space; encodeURIComponent never leaves one, a hand-typed link may.
    const params = new URLSearchParams(location.hash.slice(1).replaceAll('+', '%2B'));
    for (const name of names) {
      const value = params.get(name);
      if (value === null || (name === 'compact' && /^(0|false|no)$/i.test(value))) calculator.removeAttribute(name);
      else calculator.setAttribute(name, value);
    }
  };
  // The frame is the element: no page margin (set through the CSSOM, which the page's CSP allows).
  document.documentElement.style.background = 'transparent';
  document.body.style.margin = '0';
  apply();
  addEventListener('hashchange', apply);
}

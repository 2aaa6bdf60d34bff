// Starts GraphiQL 3 with the explorer plugin on the page app/graphiql.py serves. The page passes its settings
// as data attributes of #graphiql: `data-headers` is the headers editor's text (`serve --demo` only).
const container = document.getElementById('graphiql');
document.body.style.margin = '0';
container.style.height = '100vh';

const DEFAULT_QUERY = `# Every request needs a token in the Headers tab below:
#   {"Authorization": "Bearer <token>"}
# (\`aisettings token create\` prints one; \`aisettings serve --demo\` fills it in.)
# Run the query with the ▶ button or Ctrl-Enter; Ctrl-Space completes.

query Viewer {
  viewer {
    login
    organizations {
      nodes {
        slug
        name
      }
    }
  }
}
`;

ReactDOM.createRoot(container).render(
  React.createElement(GraphiQL, {
    fetcher: GraphiQL.createFetcher({ url: window.location.pathname }),
    plugins: [GraphiQLPluginExplorer.explorerPlugin()],
    defaultQuery: DEFAULT_QUERY,
    headers: container.dataset.headers,
    defaultEditorToolsVisibility: 'headers',
    isHeadersEditorEnabled: true,
    // The token stays out of the browser's storage: a reload asks for it again (or brings the demo's).
    shouldPersistHeaders: false,
    inputValueDeprecation: true,
  }),
);

-- The accord language server for Neovim 0.11+: `vim.lsp.enable('accord')` with this
-- folder on 'runtimepath' starts `accord lsp` for article files.
---@type vim.lsp.Config
return {
  cmd = { 'accord', 'lsp' },
  filetypes = { 'article' },
  -- A workspace is the folder of the nearest accord.toml, else the repository.
  root_markers = { 'accord.toml', '.git' },
}

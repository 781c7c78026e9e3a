-- Loaded at startup from 'runtimepath': the `article` filetype, the parser (when
-- built), and the :AccordBuildParser command. The language server is enabled by the
-- user's config with vim.lsp.enable('accord').
if vim.g.loaded_accord then
  return
end
vim.g.loaded_accord = true

vim.filetype.add({ extension = { article = 'article' } })

vim.api.nvim_create_user_command('AccordBuildParser', function()
  local accord = require('accord')
  local ok, err = accord.build_parser()
  if ok then
    vim.notify('accord: built ' .. accord.options.parser_path)
    for _, buf in ipairs(vim.api.nvim_list_bufs()) do
      if vim.bo[buf].filetype == 'article' then
        accord.attach(buf)
      end
    end
  else
    vim.notify('accord: cannot build the parser: ' .. tostring(err), vim.log.levels.ERROR)
  end
end, { desc = 'Build the tree-sitter parser of article files from grammar/' })

require('accord').setup(vim.g.accord or {})

-- Loaded at startup from 'runtimepath': the `article` filetype, the parser (when
-- built), and the commands :AccordBuildParser, :AccordReadingMode and :AccordTimeline. The language server is enabled by the
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

vim.api.nvim_create_user_command('AccordReadingMode', function(args)
  local state = ({ on = true, off = false })[args.args]
  if args.args ~= '' and state == nil then
    vim.notify('accord: :AccordReadingMode takes on, off or nothing (toggle)', vim.log.levels.ERROR)
    return
  end
  local on = require('accord').reading_mode(state)
  vim.notify('accord: reading mode ' .. (on and 'on' or 'off'))
end, {
  nargs = '?',
  complete = function()
    return { 'on', 'off' }
  end,
  desc = 'Toggle reading mode (tag markup concealed) in windows showing articles; on or off sets it',
})

vim.api.nvim_create_user_command('AccordTimeline', function()
  require('accord.timeline').show()
end, { desc = 'List the articles that mention the entity under the cursor, oldest first, in the quickfix list' })

require('accord').setup(vim.g.accord or {})

"""What a customer's text says about them: its language (`detect`) and how upset they are
(`upset`). Pure: no database, no settings, nothing fetched at run time."""
